//! Images made from programs installed on this machine: the files themselves, every shared
//! library they need (found with `ldd`, recursively) and the dynamic loader, at the same paths
//! as on the host. That is how the project packages Debian's redis and PostgreSQL and its own
//! binaries without pulling anything.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::oci::LayerBuilder;

/// The absolute paths `ldd` reports for `binary` (libraries and the loader).
pub fn shared_libraries(binary: &Path) -> Result<Vec<PathBuf>> {
    let out = Command::new("ldd")
        .arg(binary)
        .output()
        .map_err(|e| Error::io("running ldd".to_string(), e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        // Static executables and non-ELF files: nothing to add.
        return Ok(Vec::new());
    }
    Ok(parse_ldd(&text))
}

/// Paths in `ldd` output: `libx.so => /path (0x…)` and `/lib64/ld-linux… (0x…)` lines.
pub fn parse_ldd(text: &str) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let candidate = match line.split_once("=>") {
            Some((_, rest)) => rest.trim(),
            None => line,
        };
        let path = candidate.split_whitespace().next().unwrap_or("");
        if path.starts_with('/') {
            paths.push(PathBuf::from(path));
        }
    }
    paths
}

/// Host files to put into an image, with the libraries they need.
#[derive(Debug, Default, Clone)]
pub struct HostFiles {
    files: BTreeSet<PathBuf>,
}

impl HostFiles {
    pub fn new() -> HostFiles {
        HostFiles::default()
    }

    /// Adds a file and, when it is dynamically linked, its libraries (recursively).
    pub fn add(&mut self, path: &Path) -> Result<&mut HostFiles> {
        let mut todo = vec![path.to_path_buf()];
        while let Some(p) = todo.pop() {
            if !self.files.insert(p.clone()) {
                continue;
            }
            if !p.is_file() {
                return Err(Error::Image(format!("{} is not a file", p.display())));
            }
            todo.extend(shared_libraries(&p)?);
        }
        Ok(self)
    }

    /// Adds every regular file under `dir` whose path `keep` accepts (with libraries).
    pub fn add_tree(&mut self, dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<&mut HostFiles> {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let entries =
                fs::read_dir(&d).map_err(|e| Error::io(format!("reading {}", d.display()), e))?;
            for entry in entries.flatten() {
                let p = entry.path();
                if !keep(&p) {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else if p.is_file() {
                    self.add(&p)?;
                }
            }
        }
        Ok(self)
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(PathBuf::as_path)
    }

    /// Copies the files into `layer` at their host paths (symlinks followed: the content of
    /// what the path names), keeping their permission bits.
    pub fn copy_into(&self, layer: &mut LayerBuilder) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        for path in &self.files {
            let data =
                fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
            let mode = fs::metadata(path)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o644);
            layer.file(&path.to_string_lossy(), mode, data)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldd_output_is_parsed() {
        let text = "\tlinux-vdso.so.1 (0x00007ffd)\n\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f)\n\tlibgone.so => not found\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n";
        assert_eq!(
            parse_ldd(text),
            vec![
                PathBuf::from("/lib/x86_64-linux-gnu/libm.so.6"),
                PathBuf::from("/lib64/ld-linux-x86-64.so.2")
            ]
        );
    }

    #[test]
    fn a_dynamic_program_brings_its_libraries_and_loader() {
        let mut files = HostFiles::new();
        let ls = Path::new("/bin/ls");
        files.add(ls).unwrap();
        let paths: Vec<String> = files.paths().map(|p| p.display().to_string()).collect();
        assert!(paths.iter().any(|p| p.ends_with("/bin/ls")), "{paths:?}");
        assert!(paths.iter().any(|p| p.contains("libc.so.6")), "{paths:?}");
        assert!(paths.iter().any(|p| p.contains("ld-linux")), "{paths:?}");
        let mut layer = LayerBuilder::new();
        files.copy_into(&mut layer).unwrap();
        assert!(!layer.build().unwrap().is_empty());
    }
}
