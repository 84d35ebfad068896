use core::fmt;
use core::str::FromStr;

use crate::{ascii, Error};

const SECS_PER_DAY: u32 = 86_400;
/// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar.
const EPOCH_SHIFT: u32 = 719_468;
const DAYS_PER_ERA: u32 = 146_097;
const MAX_UNIX: i64 = 253_402_300_799;

/// A UTC instant with one-second precision, as Ticketmatic writes it:
/// `YYYY-MM-DDTHH:MM:SS`, no zone suffix, no fraction.
///
/// The range is 1970-01-01T00:00:00 ([`Timestamp::MIN`]) to 9999-12-31T23:59:59
/// ([`Timestamp::MAX`]): the format has four-digit years only. Values outside
/// it are refused with [`Error::TimeOutOfRange`].
///
/// The type holds the 19 bytes of its text, so writing it into a header costs
/// a copy, and ordering compares instants.
///
/// ```
/// use ticketmatic_sign::Timestamp;
///
/// let ts = Timestamp::from_unix(1_501_346_446)?;
/// assert_eq!(ts.as_str(), "2017-07-29T16:40:46");
/// assert_eq!(ts, "2017-07-29T16:40:46".parse()?);
/// assert_eq!(ts, Timestamp::from_fields(2017, 7, 29, 16, 40, 46)?);
/// assert_eq!(ts.unix(), 1_501_346_446);
/// # Ok::<(), ticketmatic_sign::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp([u8; 19]);

impl Timestamp {
    /// The first representable instant, 1970-01-01T00:00:00 (Unix time 0).
    pub const MIN: Timestamp = Timestamp(*b"1970-01-01T00:00:00");
    /// The last representable instant, 9999-12-31T23:59:59 (Unix time 253402300799).
    pub const MAX: Timestamp = Timestamp(*b"9999-12-31T23:59:59");
    /// The length of the text form.
    pub const LEN: usize = 19;

    /// The instant `secs` seconds after 1970-01-01T00:00:00 UTC (leap seconds
    /// are not counted, as in Unix time).
    ///
    /// ```
    /// # use ticketmatic_sign::{Error, Timestamp};
    /// assert_eq!(Timestamp::from_unix(951_782_400)?.as_str(), "2000-02-29T00:00:00");
    /// assert_eq!(Timestamp::from_unix(-1), Err(Error::TimeOutOfRange));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_unix(secs: i64) -> Result<Self, Error> {
        if !(0..=MAX_UNIX).contains(&secs) {
            return Err(Error::TimeOutOfRange);
        }
        // 32-bit arithmetic only (no 64-bit division, which costs about
        // 1 KiB of code on 32-bit chips): 86,400 = 2^7 * 675, and
        // MAX_UNIX >> 7 fits in a u32.
        let secs = secs as u64;
        let days = ((secs >> 7) as u32) / (SECS_PER_DAY >> 7);
        let rem = (secs - u64::from(days) * u64::from(SECS_PER_DAY)) as u32;
        let (year, month, day) = civil_from_days(days);
        // In range by construction: year 1970..=9999, the others by the arithmetic.
        Ok(Self::format([
            year,
            month,
            day,
            rem / 3600,
            rem % 3600 / 60,
            rem % 60,
        ]))
    }

    /// The instant with these calendar fields (UTC), validated: month 1-12, a day
    /// that exists in that month (leap years included), hour 0-23, minute and
    /// second 0-59.
    ///
    /// ```
    /// # use ticketmatic_sign::{Error, Timestamp};
    /// assert!(Timestamp::from_fields(2024, 2, 29, 12, 0, 0).is_ok());
    /// assert_eq!(Timestamp::from_fields(2023, 2, 29, 12, 0, 0), Err(Error::InvalidDate));
    /// assert_eq!(Timestamp::from_fields(1969, 12, 31, 23, 59, 59), Err(Error::TimeOutOfRange));
    /// ```
    pub fn from_fields(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, Error> {
        let numbers = [
            year.into(),
            month.into(),
            day.into(),
            hour.into(),
            minute.into(),
            second.into(),
        ];
        check_fields(numbers)?;
        Ok(Self::format(numbers))
    }

    /// Parses the form `YYYY-MM-DDTHH:MM:SS`, in UTC, optionally followed by
    /// `Z` (which says the same), and nothing else (SPEC section 7). Also
    /// available through [`str::parse`].
    ///
    /// ```
    /// # use ticketmatic_sign::{Error, Timestamp};
    /// assert!(Timestamp::parse("2017-07-29T16:40:46").is_ok());
    /// assert_eq!(Timestamp::parse("2017-07-29T16:40:46Z")?.as_str(), "2017-07-29T16:40:46");
    /// assert_eq!(Timestamp::parse("2017-07-29 16:40:46"), Err(Error::TimestampSyntax));
    /// assert_eq!(Timestamp::parse("2017-07-29T16:40:46+00:00"), Err(Error::TimestampSyntax));
    /// assert_eq!(Timestamp::parse("2017-07-29T16:40:46z"), Err(Error::TimestampSyntax));
    /// assert_eq!(Timestamp::parse("2017-13-29T16:40:46"), Err(Error::InvalidDate));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, Error> {
        // On bytes: `str::strip_suffix` with a `char` costs 870 bytes of
        // flash on the Cortex-M4 (embedded/run.sh), the byte slice's nothing.
        let b = text.as_bytes();
        let b = b.strip_suffix(b"Z").unwrap_or(b);
        let text = <[u8; Self::LEN]>::try_from(b).map_err(|_| Error::TimestampSyntax)?;
        // A digit where the template has one, else the template's byte.
        let shape_ok = text.iter().zip(&TEMPLATE).all(|(&c, &t)| {
            if t == b'0' {
                c.is_ascii_digit()
            } else {
                c == t
            }
        });
        if !shape_ok {
            return Err(Error::TimestampSyntax);
        }
        check_fields(numbers(&text))?;
        Ok(Timestamp(text))
    }

    /// The current time from the system clock.
    ///
    /// Fails with [`Error::TimeOutOfRange`] if the clock is set before 1970 or
    /// after 9999.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn now() -> Result<Self, Error> {
        Self::try_from(std::time::SystemTime::now())
    }

    /// Seconds since 1970-01-01T00:00:00 UTC.
    pub fn unix(&self) -> i64 {
        let [year, month, day, hour, minute, second] = numbers(&self.0);
        let days = days_from_civil(year, month, day);
        i64::from(days) * i64::from(SECS_PER_DAY) + i64::from(hour * 3600 + minute * 60 + second)
    }

    /// The text form, `YYYY-MM-DDTHH:MM:SS`.
    pub fn as_str(&self) -> &str {
        ascii(&self.0)
    }

    /// The text form as bytes.
    pub fn as_bytes(&self) -> &[u8; 19] {
        &self.0
    }

    /// The year, 1970-9999.
    pub fn year(&self) -> u16 {
        number(&self.0, 0) as u16
    }
    /// The month, 1-12.
    pub fn month(&self) -> u8 {
        number(&self.0, 1) as u8
    }
    /// The day of the month, 1-31.
    pub fn day(&self) -> u8 {
        number(&self.0, 2) as u8
    }
    /// The hour, 0-23.
    pub fn hour(&self) -> u8 {
        number(&self.0, 3) as u8
    }
    /// The minute, 0-59.
    pub fn minute(&self) -> u8 {
        number(&self.0, 4) as u8
    }
    /// The second, 0-59.
    pub fn second(&self) -> u8 {
        number(&self.0, 5) as u8
    }

    /// The text of year, month, day, hour, minute and second, which callers
    /// guarantee are in range.
    fn format(numbers: [u32; 6]) -> Self {
        let mut text = TEMPLATE;
        for (&(at, len), &number) in FIELDS.iter().zip(&numbers) {
            let mut rest = number;
            for digit in text
                .get_mut(at..at + len)
                .unwrap_or_default()
                .iter_mut()
                .rev()
            {
                *digit = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
        }
        Timestamp(text)
    }
}

/// A system time, truncated to the second; [`Error::TimeOutOfRange`] before
/// 1970 or after 9999.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ticketmatic_sign::Timestamp;
///
/// let t = UNIX_EPOCH + Duration::from_millis(1_501_346_446_999);
/// assert_eq!(Timestamp::try_from(t)?.as_str(), "2017-07-29T16:40:46");
/// assert!(Timestamp::try_from(UNIX_EPOCH - Duration::from_secs(1)).is_err());
/// # Ok::<(), ticketmatic_sign::Error>(())
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl TryFrom<std::time::SystemTime> for Timestamp {
    type Error = Error;

    fn try_from(time: std::time::SystemTime) -> Result<Self, Error> {
        let since_epoch = time
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| Error::TimeOutOfRange)?;
        let secs = i64::try_from(since_epoch.as_secs()).map_err(|_| Error::TimeOutOfRange)?;
        Self::from_unix(secs)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

/// Value of a run of ASCII digits (the caller has checked they are digits).
fn digits(b: &[u8]) -> u32 {
    b.iter()
        .fold(0, |acc, &c| acc * 10 + u32::from(c.wrapping_sub(b'0')))
}

/// The text form with every digit 0.
const TEMPLATE: [u8; Timestamp::LEN] = *b"0000-00-00T00:00:00";

/// Where the numbers of `YYYY-MM-DDTHH:MM:SS` are: offset and width of year,
/// month, day, hour, minute and second.
const FIELDS: [(usize, usize); 6] = [(0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)];

/// Year, month, day, hour, minute and second of a timestamp's text (whose
/// digits the caller has checked).
fn numbers(text: &[u8; Timestamp::LEN]) -> [u32; 6] {
    let mut numbers = [0; 6];
    for (field, slot) in numbers.iter_mut().enumerate() {
        *slot = number(text, field);
    }
    numbers
}

/// Field `field` (0 for the year ... 5 for the second) of a timestamp's text.
fn number(text: &[u8; Timestamp::LEN], field: usize) -> u32 {
    FIELDS
        .get(field)
        .and_then(|&(at, len)| text.get(at..at + len))
        .map_or(0, digits)
}

/// Year, month, day, hour, minute and second are a valid instant in range.
fn check_fields([year, month, day, hour, minute, second]: [u32; 6]) -> Result<(), Error> {
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(Error::InvalidDate);
    }
    if !(1970..=9999).contains(&year) {
        return Err(Error::TimeOutOfRange);
    }
    Ok(())
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below are Howard Hinnant's `civil_from_days` and
// `days_from_civil` (http://howardhinnant.github.io/date_algorithms.html),
// restricted to non-negative days, which is all the range needs. They count in
// 400-year eras of a calendar whose year starts on March 1st, so that the leap
// day is the last day of the year.

/// (year, month, day) of the day `days` after 1970-01-01.
fn civil_from_days(days: u32) -> (u32, u32, u32) {
    let z = days + EPOCH_SHIFT;
    let era = z / DAYS_PER_ERA;
    let doe = z - era * DAYS_PER_ERA; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of March-based year
    let mp = (5 * doy + 2) / 153; // March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u32::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to the given date; `year >= 1970`.
fn days_from_civil(year: u32, month: u32, day: u32) -> u32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * DAYS_PER_ERA + doe - EPOCH_SHIFT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_edges() {
        assert_eq!(Timestamp::from_unix(0), Ok(Timestamp::MIN));
        assert_eq!(Timestamp::from_unix(253_402_300_799), Ok(Timestamp::MAX));
        assert_eq!(
            Timestamp::from_unix(253_402_300_800),
            Err(Error::TimeOutOfRange)
        );
        assert_eq!(Timestamp::from_unix(-1), Err(Error::TimeOutOfRange));
        assert_eq!(Timestamp::from_unix(i64::MIN), Err(Error::TimeOutOfRange));
        assert_eq!(Timestamp::from_unix(i64::MAX), Err(Error::TimeOutOfRange));
        assert_eq!(Timestamp::MIN.unix(), 0);
        assert_eq!(Timestamp::MAX.unix(), 253_402_300_799);
        assert_eq!(Timestamp::MIN.as_str(), "1970-01-01T00:00:00");
        assert_eq!(Timestamp::MAX.as_str(), "9999-12-31T23:59:59");
        assert_eq!(
            Timestamp::from_fields(10000 - 1, 12, 31, 23, 59, 59),
            Ok(Timestamp::MAX)
        );
        assert_eq!(
            Timestamp::from_fields(1970, 1, 1, 0, 0, 0),
            Ok(Timestamp::MIN)
        );
        assert_eq!(
            Timestamp::parse("1969-12-31T23:59:59"),
            Err(Error::TimeOutOfRange)
        );
        assert_eq!(
            Timestamp::parse("0000-01-01T00:00:00"),
            Err(Error::TimeOutOfRange)
        );
    }

    /// Known instants, computed independently with GNU `date -u -d @SECS`.
    #[test]
    fn known_instants() {
        let cases: &[(i64, &str)] = &[
            (0, "1970-01-01T00:00:00"),
            (86_399, "1970-01-01T23:59:59"),
            (68_169_600, "1972-02-29T00:00:00"),
            (951_782_399, "2000-02-28T23:59:59"),
            (951_782_400, "2000-02-29T00:00:00"),
            (951_868_800, "2000-03-01T00:00:00"),
            (1_501_346_446, "2017-07-29T16:40:46"),
            (1_709_164_800, "2024-02-29T00:00:00"),
            (1_795_426_016, "2026-11-23T09:26:56"),
            (4_107_456_000, "2100-02-28T00:00:00"),
            (4_107_542_400, "2100-03-01T00:00:00"),
            (253_402_214_400, "9999-12-31T00:00:00"),
        ];
        for &(secs, text) in cases {
            let t = Timestamp::from_unix(secs).unwrap();
            assert_eq!(t.as_str(), text, "from_unix({secs})");
            assert_eq!(Timestamp::parse(text).unwrap().unix(), secs, "{text}");
        }
    }

    #[test]
    fn leap_days() {
        for (year, leap) in [
            (1972, true),
            (2000, true),
            (2024, true),
            (2100, false),
            (2400, true),
            (9996, true),
            (9999, false),
        ] {
            let r = Timestamp::from_fields(year, 2, 29, 0, 0, 0);
            assert_eq!(r.is_ok(), leap, "{year}-02-29");
            if leap {
                let t = r.unwrap();
                let next = Timestamp::from_unix(t.unix() + 86_400).unwrap();
                assert_eq!((next.month(), next.day()), (3, 1), "{year}");
            }
        }
    }

    #[test]
    fn field_validation() {
        let bad = [
            (2021, 0, 1, 0, 0, 0),
            (2021, 13, 1, 0, 0, 0),
            (2021, 1, 0, 0, 0, 0),
            (2021, 1, 32, 0, 0, 0),
            (2021, 4, 31, 0, 0, 0),
            (2021, 6, 31, 0, 0, 0),
            (2021, 9, 31, 0, 0, 0),
            (2021, 11, 31, 0, 0, 0),
            (2021, 1, 1, 24, 0, 0),
            (2021, 1, 1, 0, 60, 0),
            (2021, 1, 1, 0, 0, 60),
        ];
        for (y, mo, d, h, mi, s) in bad {
            assert_eq!(
                Timestamp::from_fields(y, mo, d, h, mi, s),
                Err(Error::InvalidDate),
                "{y}-{mo}-{d} {h}:{mi}:{s}"
            );
        }
        for month in 1..=12 {
            let last = match month {
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            assert!(Timestamp::from_fields(2021, month, last, 23, 59, 59).is_ok());
        }
    }

    #[test]
    fn parse_syntax() {
        for text in [
            "",
            "2017-07-29",
            "2017-07-29T16:40",
            "2017-07-29T16:40:466",
            "2017-07-29T16:40:46ZZ",
            "2017-07-29T16:40:46z",
            "2017-07-29T16:40:46 Z",
            "2017-07-29T16:40:46+00:00",
            "2017-07-29T16:40:46.5Z",
            "Z",
            "2017-07-29t16:40:46",
            "2017/07/29T16:40:46",
            "2017-07-29T16-40-46",
            "+017-07-29T16:40:46",
            "2017-07-2xT16:40:46",
            "2017-07-29T16:40:4\u{e9}",
        ] {
            assert_eq!(
                Timestamp::parse(text),
                Err(Error::TimestampSyntax),
                "{text:?}"
            );
        }
        let t: Timestamp = "2017-07-29T16:40:46".parse().unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2017, 7, 29, 16, 40, 46)
        );
    }

    #[test]
    fn every_day_round_trips() {
        // Walk every day of the range: the conversions must be inverse and
        // the calendar must advance by exactly one day each time.
        let mut prev = Timestamp::MIN;
        let mut day = 1i64;
        let secs_per_day = i64::from(SECS_PER_DAY);
        while day * secs_per_day <= MAX_UNIX {
            let t = Timestamp::from_unix(day * secs_per_day).unwrap();
            assert_eq!(t.unix(), day * secs_per_day);
            let expect =
                if u32::from(prev.day()) < days_in_month(prev.year().into(), prev.month().into()) {
                    (prev.year(), prev.month(), prev.day() + 1)
                } else if prev.month() < 12 {
                    (prev.year(), prev.month() + 1, 1)
                } else {
                    (prev.year() + 1, 1, 1)
                };
            assert_eq!((t.year(), t.month(), t.day()), expect, "{t}");
            prev = t;
            day += 1;
        }
        assert_eq!(prev.as_str(), "9999-12-31T00:00:00");
    }

    #[cfg(feature = "std")]
    #[test]
    fn now_reads_the_clock() {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let now = Timestamp::now().unwrap().unix();
        assert!(now >= before && now <= before + 5, "{now} vs {before}");
    }

    #[test]
    fn order_is_chronological() {
        let a = Timestamp::from_unix(1_000).unwrap();
        let b = Timestamp::from_unix(1_001).unwrap();
        assert!(a < b && Timestamp::MIN < a && b < Timestamp::MAX);
    }
}
