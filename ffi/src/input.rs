//! The caller's pointers and lengths, checked and read as Rust slices.

use core::slice;
use std::os::raw::c_char;

use ticketmatic_sign::Param;

use crate::error::{tm_field, Failure};

/// One widget parameter: its name and raw (not URL-encoded) value, each
/// UTF-8 text given as pointer + length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct tm_param {
    /// The name's bytes.
    pub name: *const c_char,
    /// The name's length in bytes.
    pub name_len: usize,
    /// The value's bytes.
    pub value: *const c_char,
    /// The value's length in bytes.
    pub value_len: usize,
}

/// The caller's bytes: `len` bytes at `ptr`, or none when `len` is 0 (then
/// `ptr` may be NULL). `position` names the parameter for errors.
///
/// # Safety
///
/// `ptr` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes_at<'a>(
    ptr: *const u8,
    len: usize,
    field: tm_field,
    position: Option<usize>,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::Null(field, position));
    }
    // SAFETY: not NULL, and the caller promises `len` readable bytes.
    Ok(unsafe { slice::from_raw_parts(ptr, len) })
}

/// [`bytes_at`] of an input that is not a parameter.
///
/// # Safety
///
/// As for [`bytes_at`].
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    field: tm_field,
) -> Result<&'a [u8], Failure> {
    // SAFETY: the caller's promise, passed on.
    unsafe { bytes_at(ptr, len, field, None) }
}

/// The caller's UTF-8 text.
///
/// # Safety
///
/// As for [`bytes_at`].
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    field: tm_field,
) -> Result<&'a str, Failure> {
    // SAFETY: the caller's promise, passed on.
    utf8(unsafe { bytes(ptr.cast(), len, field) }?, field, None)
}

fn utf8(bytes: &[u8], field: tm_field, position: Option<usize>) -> Result<&str, Failure> {
    core::str::from_utf8(bytes).map_err(|e| Failure::NotUtf8(field, position, e.valid_up_to()))
}

/// One parameter, its texts checked.
#[derive(Clone, Copy)]
pub(crate) struct Text<'a> {
    name: &'a str,
    value: &'a str,
}

impl Param for Text<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn value(&self) -> &str {
        self.value
    }
}

/// The caller's parameters, each pointer checked and each text found UTF-8
/// once, up front: the core walks the list several times (once per 32
/// names while sorting), and each walk reads them again.
#[derive(Clone)]
pub(crate) struct Params<'a> {
    raw: &'a [tm_param],
}

impl<'a> Params<'a> {
    /// # Safety
    ///
    /// `params` is NULL or valid for `count` elements, each pointer in
    /// them NULL or valid for its length, for `'a`.
    pub(crate) unsafe fn new(params: *const tm_param, count: usize) -> Result<Self, Failure> {
        let raw: &[tm_param] = if count == 0 {
            &[]
        } else if params.is_null() {
            return Err(Failure::Null(tm_field::TM_FIELD_PARAMS, None));
        } else {
            // SAFETY: not NULL, and the caller promises `count` elements.
            unsafe { slice::from_raw_parts(params, count) }
        };
        for (index, p) in raw.iter().enumerate() {
            Self::read(p, index)?;
        }
        Ok(Params { raw })
    }

    fn read(p: &tm_param, index: usize) -> Result<Text<'a>, Failure> {
        let field = tm_field::TM_FIELD_PARAMS;
        let at = Some(index);
        // SAFETY: the promise `new` was given covers these pointers.
        let (name, value) = unsafe {
            (
                bytes_at(p.name.cast(), p.name_len, field, at)?,
                bytes_at(p.value.cast(), p.value_len, field, at)?,
            )
        };
        Ok(Text {
            name: utf8(name, field, at)?,
            value: utf8(value, field, at)?,
        })
    }
}

impl<'a> IntoIterator for Params<'a> {
    type Item = Text<'a>;
    type IntoIter = ParamIter<'a>;

    fn into_iter(self) -> ParamIter<'a> {
        ParamIter(self.raw.iter().enumerate())
    }
}

/// The parameters as the core reads them.
#[derive(Clone)]
pub(crate) struct ParamIter<'a>(core::iter::Enumerate<slice::Iter<'a, tm_param>>);

impl<'a> Iterator for ParamIter<'a> {
    type Item = Text<'a>;

    fn next(&mut self) -> Option<Text<'a>> {
        let (index, p) = self.0.next()?;
        // `new` checked every parameter: this read cannot fail.
        Some(Params::read(p, index).unwrap_or(Text {
            name: "",
            value: "",
        }))
    }
}
