//! The handoff file as the commands see it: read whole, or changed under a lock so that commands
//! running at once never lose each other's edits. A missing file is started from a template.
use crate::env::Env;
use crate::error::{Error, Result};
use crate::fs_atomic;
use crate::project::Project;
use crate::templates::{self, Template};

/// The handoff's text, or `None` when it doesn't exist.
pub(crate) fn read(project: &Project) -> Result<Option<String>> {
    let opened = crate::confine::open_regular(project.handoff()?);
    let mut file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    text(project, bytes).map(Some)
}

/// The handoff's text; a missing file is an error that says how to create one.
pub(crate) fn read_existing(project: &Project) -> Result<String> {
    read(project)?.ok_or_else(|| Error::NoHandoff {
        shown: project.handoff_display.clone(),
        create: create_hint(project),
    })
}

/// How to create the file for this project or task.
pub(crate) fn create_hint(project: &Project) -> String {
    match &project.task {
        Some(id) => format!("handoff checkpoint --task {id} \"…\""),
        None => "handoff init".to_string(),
    }
}

fn text(project: &Project, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        shown: project.handoff_display.clone(),
        byte: e.utf8_error().valid_up_to(),
    })
}

/// The template a missing file starts from: the memory template for a task, else the handoff.
pub(crate) fn template(project: &Project) -> Template {
    if project.task.is_some() {
        Template::Memory
    } else {
        Template::Handoff
    }
}

/// What [`change`] did.
#[derive(Debug)]
pub(crate) struct Changed<T> {
    /// What the edit returned.
    pub value: T,
    /// Whether the file was created from the template first.
    pub created: bool,
}

/// The handoff's lock file, its folder created; an error there says how to fix it.
fn lock(project: &Project) -> Result<std::path::PathBuf> {
    let lock = project.lock_file();
    if let Some(dir) = lock.parent() {
        fs_err::create_dir_all(dir).map_err(Error::LockFolder)?;
    }
    Ok(lock)
}

/// Create the handoff with `text` under its lock, unless it exists: a command that got there first
/// (a `checkpoint` creates a missing file too) keeps what it wrote. Returns whether it was created.
pub(crate) fn create(project: &Project, text: &str) -> Result<bool> {
    fs_atomic::update(project.handoff()?, &lock(project)?, |current| {
        let created = current.is_none();
        Ok::<_, Error>((created.then(|| text.as_bytes().to_vec()), created))
    })
}

/// Change the handoff under its lock: `edit` gets the current text (the template's when the file
/// is missing) and returns the new text, or `None` to leave it as it is.
pub(crate) fn change<T>(
    project: &Project,
    env: &Env,
    edit: impl FnOnce(&str) -> Result<(Option<String>, T)>,
) -> Result<Changed<T>> {
    fs_atomic::update(project.handoff()?, &lock(project)?, |current| {
        let created = current.is_none();
        let text = if let Some(bytes) = current {
            text(project, bytes)?
        } else {
            let name = project.task.clone().unwrap_or_else(|| project.name());
            let date = env.now.format("%Y-%m-%d").to_string();
            templates::fill(
                template(project).text(),
                &[("project", &name), ("date", &date)],
            )
        };
        let (new, value) = edit(&text)?;
        let new = new.or_else(|| created.then_some(text));
        Ok((new.map(String::into_bytes), Changed { value, created }))
    })
}

/// Words from the command line as one text: joined with spaces, trimmed; empty is a usage error.
pub(crate) fn words(words: &[String], what: &'static str) -> Result<String> {
    let text = words.join(" ").trim().to_string();
    if text.is_empty() {
        return Err(Error::Empty(what));
    }
    Ok(text)
}
