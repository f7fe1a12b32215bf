//! Sending a message: the configured sendmail-compatible command (`msmtp -t`) run without a
//! shell, the message on its stdin, its stdout and stderr piped (never the terminal: the
//! board owns it). Promptly itself speaks no network protocol.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the command may take before it is stopped and the reply counts as not sent.
const TIMEOUT: Duration = Duration::from_secs(120);

/// At most this much of the command's stderr is kept to show.
const STDERR_KEEP: usize = 2000;

/// Why a message was not handed over.
#[derive(Debug)]
pub enum SendError {
    /// The program could not be started (not installed, not executable).
    Start { program: String, error: std::io::Error },
    /// It ran and failed: its exit code (none when a signal ended it) and what it said.
    Failed { code: Option<i32>, stderr: String },
    /// It did not finish within `secs` seconds and was stopped.
    TimedOut { secs: u64 },
}

/// Runs `command` with `message` on its stdin; `Ok` only when it exits 0.
pub fn send(command: &[String], message: &[u8]) -> Result<(), SendError> {
    send_within(command, message, TIMEOUT)
}

fn send_within(command: &[String], message: &[u8], timeout: Duration) -> Result<(), SendError> {
    let Some((program, args)) = command.split_first() else {
        return Err(SendError::Start {
            program: String::new(),
            error: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| SendError::Start {
            program: program.clone(),
            error,
        })?;
    // Written from a thread while its output is read here, so neither side waits on a full pipe.
    let writer = child.stdin.take().map(|mut stdin| {
        let message = message.to_vec();
        std::thread::spawn(move || {
            // A command that exits without reading all of it reports that itself, by its code.
            let _ = stdin.write_all(&message);
        })
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                // Kept bounded; the rest is read and dropped so the command never blocks on it.
                let _ = pipe.by_ref().take(1 << 20).read_to_end(&mut bytes);
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            }
            bytes
        })
    };
    let out_reader = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err_reader = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    // A command that never ends (a server that does not answer) must not hang the board.
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SendError::TimedOut {
                    secs: timeout.as_secs(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(error) => {
                return Err(SendError::Start {
                    program: program.clone(),
                    error,
                });
            }
        }
    };
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let _ = out_reader.join();
    let stderr = err_reader.join().unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    Err(SendError::Failed {
        code: status.code(),
        stderr: tail(&String::from_utf8_lossy(&stderr)),
    })
}

/// The end of what the command said (the reason is usually last), trimmed, bounded.
fn tail(text: &str) -> String {
    let text = text.trim();
    if text.len() <= STDERR_KEEP {
        return text.to_string();
    }
    let mut start = text.len() - STDERR_KEEP;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn the_message_goes_to_stdin_and_exit_zero_is_success() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got");
        let script = format!("cat > '{}'", out.display());
        send(&sh(&script), b"Subject: x\n\nhello\n").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"Subject: x\n\nhello\n");
    }

    #[test]
    fn a_failure_keeps_the_code_and_the_end_of_stderr() {
        let err = send(&sh("cat >/dev/null; echo 'no route' >&2; exit 75"), b"x").unwrap_err();
        match err {
            SendError::Failed { code, stderr } => {
                assert_eq!(code, Some(75));
                assert_eq!(stderr, "no route");
            }
            other => panic!("{other:?}"),
        }
        let long = send(&sh("head -c 5000 /dev/zero | tr '\\0' 'e' >&2; exit 1"), b"").unwrap_err();
        assert!(matches!(long, SendError::Failed { stderr, .. } if stderr.len() <= STDERR_KEEP + 3));
        let missing = send(&["/nonexistent/promptly-sendmail".to_string()], b"x").unwrap_err();
        assert!(matches!(missing, SendError::Start { .. }));
    }

    #[test]
    fn a_command_that_never_ends_is_stopped() {
        let err = send_within(&sh("exec sleep 30"), b"x", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(err, SendError::TimedOut { secs: 1 }), "{err:?}");
    }
}
