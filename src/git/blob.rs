//! Whether a working file holds a committed blob, by computing git's id for its bytes: the answer
//! `git status` would give for one clean file, without a second git.

/// Whether `bytes` are, byte for byte, the blob `oid` (SHA-1, hex). `None` when `oid` is not a
/// SHA-1 id (a SHA-256 repository): only git can tell.
pub(crate) fn is_blob(bytes: &[u8], oid: &str) -> Option<bool> {
    (oid.len() == 40).then(|| blob_id(bytes) == oid)
}

/// git's object id for `bytes` as a blob: the SHA-1 of `blob <length>\0` and the bytes.
fn blob_id(bytes: &[u8]) -> String {
    let mut hash = sha1_smol::Sha1::new();
    hash.update(format!("blob {}\0", bytes.len()).as_bytes());
    hash.update(bytes);
    hash.digest().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and the empty blob.
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn only_the_same_bytes_are_the_blob() {
        let oid = "ce013625030ba8dba906f756967f9e9ca394464a";
        assert_eq!(is_blob(b"hello\n", oid), Some(true));
        assert_eq!(is_blob(b"hello\r\n", oid), Some(false));
        assert_eq!(is_blob(b"hello\n", &"a".repeat(64)), None);
    }
}
