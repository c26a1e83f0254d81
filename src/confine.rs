//! Files from outside our control, opened safely: only regular files are read, so a FIFO never
//! blocks a hook and a device never streams into memory.
use std::fs::Metadata;
use std::io;
use std::path::Path;

/// What kind of thing `meta` describes, in a word, for a message.
pub fn kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_file() {
        return "file";
    }
    if t.is_dir() {
        return "folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
    }
    "special file"
}

/// An error saying `path` is a `kind`, not a regular file.
fn not_a_file(path: &Path, kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a {kind}, not a regular file; not read",
            path.display()
        ),
    )
}

/// Open `path` for reading if it is a regular file (symlinks followed). Its type is checked
/// before opening, as opening a FIFO waits for a writer, and again on the open file.
pub fn open_regular(path: &Path) -> io::Result<fs_err::File> {
    let meta = fs_err::metadata(path)?;
    if !meta.is_file() {
        return Err(not_a_file(path, kind(&meta)));
    }
    let file = fs_err::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_a_file(path, kind(&meta)));
    }
    Ok(file)
}

/// Read a regular file whole, at most `limit` bytes; a longer one is an error.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use io::Read;
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is larger than {limit} bytes; not read", path.display()),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_open_and_folders_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        crate::fs_atomic::write(&file, b"hello", crate::fs_atomic::Durability::Fast).unwrap();
        assert!(open_regular(&file).is_ok());
        assert_eq!(read_regular(&file, 5).unwrap(), b"hello");
        let e = read_regular(&file, 4).unwrap_err();
        assert!(e.to_string().contains("larger than 4 bytes"), "{e}");
        let e = open_regular(dir.path()).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a folder, not a regular file; not read"),
            "{e}"
        );
        assert_eq!(
            open_regular(&dir.path().join("missing"))
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo not available");
            return;
        }
        let e = open_regular(&fifo).unwrap_err();
        assert!(
            e.to_string().contains("is a FIFO, not a regular file"),
            "{e}"
        );
        let e = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("is a device"), "{e}");
    }
}
