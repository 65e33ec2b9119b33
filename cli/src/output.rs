//! How commands report: one JSON document on stdout with `--json`, readable text otherwise;
//! failures as one line of what failed and one of what to try, with a non-zero exit.

use std::io::{IsTerminal, Write};

use serde::Serialize;

/// A command failure: what happened and what to try.
#[derive(Debug)]
pub struct CliError {
    /// One line: what failed.
    pub message: String,
    /// One line: what to try.
    pub hint: Option<String>,
    /// Process exit code.
    pub code: i32,
    /// The command already printed its JSON document (a failed DID resolution prints the
    /// resolution result itself), so `--json` prints no second one.
    pub json_printed: bool,
}

impl CliError {
    /// A failure with a hint.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            hint: Some(hint.into()),
            code: 1,
            json_printed: false,
        }
    }

    /// A failure without a hint.
    pub fn plain(message: impl std::fmt::Display) -> Self {
        CliError {
            message: message.to_string(),
            hint: None,
            code: 1,
            json_printed: false,
        }
    }

    /// A failure whose JSON document the command has printed already.
    pub fn printed(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError {
            json_printed: true,
            ..CliError::new(message, hint)
        }
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError::plain(e)
    }
}

/// Command result.
pub type CliResult<T> = Result<T, CliError>;

/// Output settings shared by every command.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// Print JSON.
    pub json: bool,
}

impl Output {
    /// Whether progress bars may be drawn: a terminal, and not `--json`.
    pub fn interactive(&self) -> bool {
        !self.json && std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
    }

    /// Prints `value` as JSON, or `text` for people.
    pub fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            stdout_line(&serde_json::to_string_pretty(value).expect("serializable output"));
        } else {
            stdout_line(&text());
        }
    }

    /// A spinner on stderr while `f` runs (nothing when not interactive).
    pub fn spin<T>(&self, message: &str, f: impl FnOnce() -> T) -> T {
        if !self.interactive() {
            return f();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        let out = f();
        bar.finish_and_clear();
        out
    }
}

/// Prints a failure and returns its exit code.
pub fn report(err: &CliError, out: Output) -> i32 {
    if out.json && !err.json_printed {
        let v = serde_json::json!({ "error": err.message, "hint": err.hint });
        // The failure's own exit code stands even when nobody reads stdout any more.
        let _ = write_line(
            &mut std::io::stdout().lock(),
            &serde_json::to_string_pretty(&v).expect("serializable"),
        );
    }
    stderr_line(&format!("error: {}", err.message));
    if let Some(h) = &err.hint {
        stderr_line(&format!("hint: {h}"));
    }
    err.code
}

/// Writes one line to stdout. When the reader has gone away (`movid did history DID | head -1`)
/// the process ends quietly with status 0, as Unix filters do: the command did its work and
/// nobody wants the rest. Any other write failure ends it with status 1 and says why.
pub fn stdout_line(line: &str) {
    if let Err(e) = write_line(&mut std::io::stdout().lock(), line) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        stderr_line(&format!("error: cannot write to stdout: {e}"));
        std::process::exit(1);
    }
}

/// Writes one line to stderr, ignoring a closed stderr (there is nowhere left to say it).
pub fn stderr_line(line: &str) {
    let _ = write_line(&mut std::io::stderr().lock(), line);
}

fn write_line(w: &mut impl Write, line: &str) -> std::io::Result<()> {
    writeln!(w, "{line}")?;
    w.flush()
}
