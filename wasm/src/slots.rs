//! The signers that live between calls: the crate's [`Signer`] (the HMAC's
//! key schedule, never the secret) in a fixed number of slots, so that a
//! call does not key the HMAC again. No allocator: the slots are a static
//! array, zero bytes of the module (they start empty, in zeroed memory).

use spin::mutex::SpinMutex;
use ticketmatic_sign::Signer;

use crate::io::Failure;

/// How many signers are kept keyed at once. A signer is made once per key
/// pair and account, so an application holds a handful; 64 slots are about
/// 40 KiB of the module's memory. One more slot, [`SCRATCH`], serves
/// signers beyond these: JavaScript keys it anew for each of their calls.
pub const SLOTS: usize = 64;

/// The slot keyed for one call at a time.
pub const SCRATCH: usize = SLOTS;

const EMPTY: Option<Signer> = None;
static SIGNERS: SpinMutex<[Option<Signer>; SLOTS + 1]> = SpinMutex::new([EMPTY; SLOTS + 1]);

/// The slot a new signer goes to: the first empty one, or [`SCRATCH`] if
/// `scratch`. Asked before the HMAC is keyed, so that a signer that finds
/// no slot has cost nothing (JavaScript then keys it into the scratch slot).
pub fn place(scratch: bool) -> Result<usize, Failure> {
    if scratch {
        return Ok(SCRATCH);
    }
    let slots = SIGNERS.try_lock().ok_or(Failure::BadCall)?;
    slots[..SLOTS]
        .iter()
        .position(Option::is_none)
        .ok_or(Failure::NoSlot)
}

/// Keeps `signer` in slot `number`, as [`place`] gave it.
pub fn keep(number: usize, signer: Signer) -> Result<usize, Failure> {
    let mut slots = SIGNERS.try_lock().ok_or(Failure::BadCall)?;
    *slots.get_mut(number).ok_or(Failure::BadCall)? = Some(signer);
    Ok(number)
}

/// Empties slot `number`, if there is one.
pub fn free(number: usize) {
    if let Some(mut slots) = SIGNERS.try_lock() {
        if let Some(slot) = slots.get_mut(number) {
            *slot = None;
        }
    }
}

/// Runs `f` with the signer in slot `number`; an empty slot is a bad call.
pub fn with(
    number: usize,
    f: impl FnOnce(&Signer) -> Result<usize, Failure>,
) -> Result<usize, Failure> {
    let slots = SIGNERS.try_lock().ok_or(Failure::BadCall)?;
    f(slots
        .get(number)
        .and_then(Option::as_ref)
        .ok_or(Failure::BadCall)?)
}
