//! How commands report: one JSON document on stdout with `--json`, readable text otherwise;
//! failures as one line of what failed and one of what to try, with a non-zero exit.

use std::io::IsTerminal;

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
            println!(
                "{}",
                serde_json::to_string_pretty(value).expect("serializable output")
            );
        } else {
            println!("{}", text());
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
        println!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serializable")
        );
    }
    eprintln!("error: {}", err.message);
    if let Some(h) = &err.hint {
        eprintln!("hint: {h}");
    }
    err.code
}
