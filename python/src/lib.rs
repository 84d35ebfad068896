//! The native half of the `ticketmatic_sign` Python package: the crate's
//! signer as a Python class. The Python half (`ticketmatic_sign/`) holds
//! the exception classes and the typing stubs.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use ticketmatic_sign::{Error, Field, Timestamp};

/// Signs for one key pair and account. Immutable; safe to share between threads.
#[pyclass(frozen, module = "ticketmatic_sign")]
struct Signer {
    inner: ticketmatic_sign::Signer,
}

#[pymethods]
impl Signer {
    #[new]
    #[pyo3(signature = (access_key, secret_key, account = "", *, base_url = None))]
    fn new(
        py: Python<'_>,
        access_key: &str,
        secret_key: Secret,
        account: &str,
        base_url: Option<&str>,
    ) -> PyResult<Self> {
        let signer = ticketmatic_sign::Signer::new(access_key, secret_key.bytes(), account)
            .map_err(|e| raise(py, e))?;
        let inner = match base_url {
            Some(url) => signer.with_base_url(url).map_err(|e| raise(py, e))?,
            None => signer,
        };
        Ok(Signer { inner })
    }

    #[getter]
    fn access_key(&self) -> &str {
        self.inner.access_key()
    }

    #[getter]
    fn account(&self) -> &str {
        self.inner.account()
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(access_key={:?}, account={:?}, base_url={:?})",
            self.inner.access_key(),
            self.inner.account(),
            self.inner.base_url()
        )
    }

    #[pyo3(signature = (unix_time = None))]
    fn authorization(
        &self,
        py: Python<'_>,
        unix_time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let ts = timestamp(py, unix_time)?;
        Ok(self.inner.authorization_string(ts).as_str().to_owned())
    }

    #[pyo3(signature = (unix_time = None))]
    fn explain_header(
        &self,
        py: Python<'_>,
        unix_time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let ts = timestamp(py, unix_time)?;
        written(py, |buf| self.inner.authorization_payload(ts, buf))
    }

    fn widget_signature(&self, py: Python<'_>, params: &Bound<'_, PyAny>) -> PyResult<String> {
        let params = Params::read(params)?;
        let signature = self
            .inner
            .widget_signature(params.pairs())
            .map_err(|e| raise(py, e))?;
        Ok(signature.as_str().to_owned())
    }

    fn explain_widget(&self, py: Python<'_>, params: &Bound<'_, PyAny>) -> PyResult<String> {
        let params = Params::read(params)?;
        written(py, |buf| self.inner.widget_payload(params.pairs(), buf))
    }

    fn widget_url(
        &self,
        py: Python<'_>,
        widget: &str,
        params: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let params = Params::read(params)?;
        let mut url = String::with_capacity(self.inner.widget_url_len(widget, params.pairs()));
        self.inner
            .write_widget_url(widget, params.pairs(), &mut url)
            .map_err(|e| raise(py, e))?;
        Ok(url)
    }

    /// The verified parameters, decoded, in the order of the query (without
    /// `accesskey` and `signature`).
    fn verify_return_url<'py>(
        &self,
        py: Python<'py>,
        query_or_url: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let params = self
            .inner
            .verify_return_url(query_or_url)
            .map_err(|e| raise(py, e))?;
        let dict = PyDict::new(py);
        for param in params {
            dict.set_item(param.name().to_string(), param.value().to_string())?;
        }
        Ok(dict)
    }

    fn explain_return_url(&self, py: Python<'_>, query_or_url: &str) -> PyResult<String> {
        written(py, |buf| self.inner.return_url_payload(query_or_url, buf))
    }
}

/// The secret key: text (its UTF-8 bytes) or bytes.
#[derive(FromPyObject)]
enum Secret {
    Text(String),
    Bytes(Vec<u8>),
}

impl Secret {
    fn bytes(&self) -> &[u8] {
        match self {
            Secret::Text(text) => text.as_bytes(),
            Secret::Bytes(bytes) => bytes.as_slice(),
        }
    }
}

/// Widget parameters read from a mapping or an iterable of pairs: names and
/// values as Rust strings (integers as they print).
struct Params(Vec<(String, String)>);

impl Params {
    fn read(params: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pairs: Bound<'_, PyAny> = match params.downcast::<PyDict>() {
            Ok(dict) => dict.items().into_any(),
            Err(_) if params.is_instance_of::<PyString>() => {
                return Err(PyTypeError::new_err(
                    "params: give a dict or a list of (name, value) pairs, not a string",
                ))
            }
            Err(_) => params.clone(),
        };
        let mut out = Vec::new();
        for (index, pair) in pairs.try_iter()?.enumerate() {
            let pair = pair?;
            let (name, value) = pair
                .downcast::<PyTuple>()
                .ok()
                .filter(|t| t.len() == 2)
                .map(|t| (t.get_item(0), t.get_item(1)))
                .or_else(|| {
                    let list = pair.downcast::<pyo3::types::PyList>().ok()?;
                    (list.len() == 2).then(|| (list.get_item(0), list.get_item(1)))
                })
                .ok_or_else(|| {
                    PyTypeError::new_err(format!("params[{index}]: not a (name, value) pair"))
                })?;
            out.push((text(&name?, index, "name")?, text(&value?, index, "value")?));
        }
        Ok(Params(out))
    }

    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// A name or value: a `str`, or an `int` as it prints (not a `bool`).
fn text(item: &Bound<'_, PyAny>, index: usize, what: &str) -> PyResult<String> {
    if let Ok(s) = item.downcast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if item.is_instance_of::<pyo3::types::PyInt>() && !item.is_instance_of::<pyo3::types::PyBool>()
    {
        return Ok(item.str()?.to_cow()?.into_owned());
    }
    Err(PyTypeError::new_err(format!(
        "params[{index}]: the {what} is a {}; give a str (or an int)",
        item.get_type().name()?
    )))
}

/// The time of a request: `None` (now), Unix seconds (an `int`, or a
/// `float` rounded down), an aware `datetime`, or UTC text
/// `YYYY-MM-DDTHH:MM:SS`.
fn timestamp(py: Python<'_>, time: Option<&Bound<'_, PyAny>>) -> PyResult<Timestamp> {
    let Some(time) = time.filter(|t| !t.is_none()) else {
        return Timestamp::now().map_err(|e| raise(py, e));
    };
    let secs: i64 = if let Ok(text) = time.downcast::<PyString>() {
        return Timestamp::parse(&text.to_cow()?).map_err(|e| raise(py, e));
    } else if time.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err("unix_time: a bool is not a time"));
    } else if let Ok(secs) = time.extract::<i64>() {
        secs
    } else if time.is_instance_of::<pyo3::types::PyInt>() {
        // An int beyond 64 bits: beyond every time the crate accepts.
        return Err(raise(py, Error::TimeOutOfRange));
    } else if let Ok(secs) = time.extract::<f64>() {
        if !secs.is_finite() || secs.abs() > 1e15 {
            return Err(raise(py, Error::TimeOutOfRange));
        }
        secs.floor() as i64
    } else if time.hasattr("tzinfo")? && time.hasattr("timestamp")? {
        if time.call_method0("utcoffset")?.is_none() {
            return Err(PyTypeError::new_err(
                "unix_time: a naive datetime is ambiguous; give one with tzinfo (for example timezone.utc)",
            ));
        }
        time.call_method0("timestamp")?.extract::<f64>()?.floor() as i64
    } else {
        return Err(PyTypeError::new_err(format!(
            "unix_time: a {}; give Unix seconds, an aware datetime or 'YYYY-MM-DDTHH:MM:SS'",
            time.get_type().name()?
        )));
    };
    Timestamp::from_unix(secs).map_err(|e| raise(py, e))
}

/// What `write` puts in a buffer, as a `str`: first into one on the stack,
/// then, if the crate says it needs more, into one of that size.
fn written(py: Python<'_>, write: impl Fn(&mut [u8]) -> Result<&str, Error>) -> PyResult<String> {
    let mut stack = [0u8; 1024];
    match write(&mut stack) {
        Ok(text) => Ok(text.to_owned()),
        Err(Error::BufferTooSmall { needed }) => {
            let mut heap = vec![0u8; needed];
            write(&mut heap)
                .map(str::to_owned)
                .map_err(|e| raise(py, e))
        }
        Err(e) => Err(raise(py, e)),
    }
}

/// The exception classes of the Python half, looked up once.
static ERRORS: GILOnceCell<(Py<PyType>, Py<PyType>, Py<PyType>)> = GILOnceCell::new();

/// The crate's refusal as the package's exception: `InvalidSignature` for
/// the verdicts on a return URL, `MalformedUrl` for a return URL that cannot
/// be read, `TicketmaticSignError` for every other input; each with the
/// core's `reason`, `field` and `position` (`Error::reason` and the rest),
/// as every face of the crate reports them.
fn raise(py: Python<'_>, error: Error) -> PyErr {
    let classes = ERRORS.get_or_try_init(py, || -> PyResult<_> {
        let module = py.import("ticketmatic_sign._errors")?;
        let class = |name: &str| -> PyResult<Py<PyType>> {
            Ok(module.getattr(name)?.downcast_into::<PyType>()?.unbind())
        };
        Ok((
            class("TicketmaticSignError")?,
            class("InvalidSignature")?,
            class("MalformedUrl")?,
        ))
    });
    let (base, invalid, malformed) = match classes {
        Ok(classes) => classes,
        Err(e) => return e,
    };
    // The class from the core's contract: a verdict, a return URL that
    // cannot be read, or any other refused input.
    let class = if error.is_verdict() {
        invalid
    } else if error.field().name() == Field::ReturnUrl.name() {
        malformed
    } else {
        base
    };
    let args = (error.to_string(),);
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("reason", error.reason().as_str())?;
        kwargs.set_item("field", error.field().name())?;
        kwargs.set_item("position", error.position())?;
        let value = class.bind(py).call(args.clone(), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Signer>()?;
    module.add("DEFAULT_BASE_URL", ticketmatic_sign::DEFAULT_BASE_URL)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
