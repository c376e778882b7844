//! The shell's side of the policy: reading policy files (capped,
//! non-blocking) and the logo file, and the layers (`layers`: where the
//! files are, last valid copies, reloading; `merge`: combining them), and
//! the layers IT deploys with the platform's tools (`registry`: Windows
//! Group Policy; `managed_prefs`: macOS configuration profiles; `platform`:
//! both converted to TOML text; `admx`: the Group Policy templates). The
//! pure part (schema, parsing from text, validation, compiling) is
//! `crate::engine::policy`; both are reached as `crate::policy`.

use std::path::Path;

use crate::policy::{MAX_LOGO_BYTES, Policy, PolicyError};

pub mod admx;
pub mod layers;
pub mod managed_prefs;
pub mod merge;
pub mod platform;
pub mod registry;

/// The largest policy file read (and the largest last valid copy kept):
/// 1 MiB. A real policy is a few kilobytes; a bigger file is not one.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Read a policy file as text: a regular file (symbolic links followed), at
/// most [`MAX_POLICY_BYTES`], UTF-8. Anything else (a directory, a dangling
/// link or a loop, a pipe or device, a huge or binary file) is an error that
/// says what is there instead; nothing blocks (a pipe is never opened).
pub fn read_policy_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_policy_bytes(path)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is not UTF-8 text; save the policy as UTF-8",
        )
    })
}

/// [`read_policy_text`] without the UTF-8 check (a binary property list).
pub fn read_policy_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read as _};
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e)
            if e.kind() == ErrorKind::NotFound
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) =>
        {
            return Err(Error::new(
                ErrorKind::NotFound,
                "it is a symbolic link to a file that does not exist",
            ));
        }
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        return Err(match std::fs::read_dir(path) {
            Err(e) => Error::new(
                e.kind(),
                format!("it is a directory that cannot be listed ({e})"),
            ),
            Ok(_) => Error::other("it is a directory, not a policy file"),
        });
    }
    if !meta.is_file() {
        return Err(Error::other(
            "it is not a regular file (a pipe, socket or device)",
        ));
    }
    let too_big = || {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "it is larger than {} KiB, the limit for policy files (a policy is a few kilobytes)",
                MAX_POLICY_BYTES / 1024
            ),
        )
    };
    if meta.len() > MAX_POLICY_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_POLICY_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

impl Policy {
    /// Read and check a policy file.
    pub fn from_path(path: &Path) -> Result<Policy, PolicyError> {
        let text = read_policy_text(path).map_err(|source| PolicyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Policy::from_toml(&text, &path.display().to_string())
    }
}

/// The logo's PNG bytes (`organization.logo`, see
/// [`crate::policy::check_logo`]): a data URI decoded or the file read, at
/// most [`MAX_LOGO_BYTES`], with the PNG signature checked; the reason
/// otherwise.
pub fn logo_bytes(logo: &str) -> Result<Vec<u8>, String> {
    if let Some(bytes) = crate::policy::logo_data(logo)? {
        return Ok(bytes);
    }
    let len = std::fs::metadata(logo)
        .map_err(|e| format!("cannot be read ({e})"))?
        .len();
    if len > MAX_LOGO_BYTES as u64 {
        return Err(format!("is larger than {} KiB", MAX_LOGO_BYTES >> 10));
    }
    let bytes = std::fs::read(logo).map_err(|e| format!("cannot be read ({e})"))?;
    crate::policy::check_png(bytes)
}
