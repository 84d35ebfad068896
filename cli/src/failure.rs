//! How `tm` fails: a message for standard error and an exit status that
//! says what kind of failure it was, so that scripts can tell them apart.

use ticketmatic_sign::Error;

/// The exit statuses, as `tm --help` lists them.
pub const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  the server or the check said no (HTTP 4xx/5xx, a return URL that does
     not verify or cannot be read, a clock outside the 30-minute window, a
     failed conformance case)
  2  usage or setup error (arguments, credentials, files to read)
  3  network or I/O failure (connection, broken stream, writing output)
  130, 143  interrupted (Ctrl-C, SIGTERM); nothing half-written is left";

/// A failure to report.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub exit: u8,
    /// The core's refusal behind it, if any: its reason code, field and
    /// position are printed under the message, as every face reports them.
    pub reason: Option<Error>,
}

impl Failure {
    /// The server or a check said no: exit 1.
    pub fn no(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            exit: 1,
            reason: None,
        }
    }

    /// A usage or setup error: exit 2.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            exit: 2,
            reason: None,
        }
    }

    /// Nothing to report, and success: the reader of our output went away
    /// (`tm export | head`), which is what it wanted.
    pub fn quiet() -> Failure {
        Failure {
            message: String::new(),
            exit: 0,
            reason: None,
        }
    }

    /// A network or I/O failure: exit 3.
    pub fn io(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            exit: 3,
            reason: None,
        }
    }
}

impl Failure {
    /// The same failure, caused by the core's refusal `e`.
    pub fn because(mut self, e: Error) -> Failure {
        self.reason = Some(e);
        self
    }

    /// What standard error shows: `tm: MESSAGE`, and for a refusal of the
    /// core a line with its reason code, field and position (SPEC section 7).
    pub fn report(&self) -> String {
        let mut text = format!("tm: {}\n", self.message);
        if let Some(e) = self.reason {
            text += &format!("  reason: {} (field {}", e.reason(), e.field().name());
            if let Some(position) = e.position() {
                text += &format!(", position {position}");
            }
            text += ")\n";
        }
        text
    }
}

/// Inputs the core crate refused are usage errors.
impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::usage(e.to_string()).because(e)
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::usage(message)
    }
}
