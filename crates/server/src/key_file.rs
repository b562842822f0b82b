//! The server's key in a file of its own (`--key-file`, `BARAZA_KEY_FILE`),
//! so that a copy of the database is not enough to make receipts or to test
//! guesses of participation codes: its text, as `baraza key export` writes
//! it, readable by its owner only.

use std::io::Write;
use std::path::Path;

use crate::receipts::{ReceiptKey, KEY_LENGTH};

/// Why a key file cannot be used. None of them shows the file's content.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the key file {0}: {1}")]
    Read(String, std::io::Error),
    #[error(
        "the key file {0} does not hold a Baraza key: it must hold {KEY_LENGTH} lowercase hexadecimal digits \
         (and may end with a line break), as `baraza key export` writes it"
    )]
    Format(String),
    #[error(
        "the key file {0} may be read by other users than its owner (mode {1:04o}): make it readable by its \
         owner only (chmod 600 {0})"
    )]
    Exposed(String, u32),
    #[error("{0} already exists: a key file is never overwritten; choose a new path")]
    Exists(String),
    #[error("cannot write the key file {0}: {1}")]
    Write(String, std::io::Error),
}

/// The key in the file at `path`, if the file holds one and only its owner
/// may read it.
pub fn read(path: &Path) -> Result<ReceiptKey, KeyFileError> {
    let name = path.display().to_string();
    let read_error = |error| KeyFileError::Read(name.clone(), error);
    // Of the file itself when `path` is a link, as systemd credentials and
    // mounted secrets are.
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    check_owner_only(&name, &metadata)?;
    let text = std::fs::read_to_string(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::InvalidData => KeyFileError::Format(name.clone()),
        _ => read_error(error),
    })?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    ReceiptKey::parse(text).ok_or(KeyFileError::Format(name))
}

#[cfg(unix)]
fn check_owner_only(name: &str, metadata: &std::fs::Metadata) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::Exposed(name.to_owned(), mode));
    }
    Ok(())
}

/// Other systems' permissions are not modes: access to the file is left to them.
#[cfg(not(unix))]
fn check_owner_only(_: &str, _: &std::fs::Metadata) -> Result<(), KeyFileError> {
    Ok(())
}

/// Writes `key` to a new file at `path`, readable and writable by its owner
/// only, and waits until it is on disk. An existing file is left as it is.
pub fn create(path: &Path, key: &ReceiptKey) -> Result<(), KeyFileError> {
    let name = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => KeyFileError::Exists(name.clone()),
        _ => KeyFileError::Write(name.clone(), error),
    })?;
    let written = file.write_all(format!("{}\n", key.text()).as_bytes()).and_then(|()| file.sync_all());
    if let Err(error) = written {
        // A half-written key file would later be refused; better none.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(KeyFileError::Write(name, error));
    }
    Ok(())
}
