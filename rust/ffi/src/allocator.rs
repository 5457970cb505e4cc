//! A global allocator on the application's `pkcs11configPKCS11_MALLOC`/`_FREE`, for targets
//! without `std` (the `core-pkcs11` library crate installs it there).
//!
//! `malloc` is trusted for alignments up to [`MALLOC_ALIGN`] (8 bytes, what C's `malloc` and
//! FreeRTOS's `pvPortMalloc` guarantee on Cortex-M); a block it returns misaligned is released
//! and the allocation fails, so misaligned memory is never handed out. Larger alignments are
//! served by over-allocating and storing the block's start just before the aligned pointer.

use crate::shim::{core_pkcs11_cfg_free, core_pkcs11_cfg_malloc};
use core::alloc::{GlobalAlloc, Layout};
use core::mem::size_of;
use core::ptr::null_mut;

/// Alignment the configured `malloc` is relied upon to provide.
pub const MALLOC_ALIGN: usize = 8;

/// Header room in front of an over-aligned block: one pointer holding the block's start.
const HEADER: usize = size_of::<*mut u8>();

/// The allocator on `pkcs11configPKCS11_MALLOC` and `pkcs11configPKCS11_FREE`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConfigAllocator;

impl ConfigAllocator {
    /// Calls the configured malloc.
    fn malloc(size: usize) -> *mut u8 {
        // SAFETY: `core_pkcs11_cfg_malloc` is the application's malloc, callable with any size;
        // it returns NULL or a block of at least `size` bytes.
        unsafe { core_pkcs11_cfg_malloc(size).cast() }
    }

    /// Calls the configured free on a block `malloc` returned.
    ///
    /// # Safety
    /// `block` came from [`Self::malloc`] and was not freed yet.
    unsafe fn free(block: *mut u8) {
        // SAFETY: the caller passes a live block from the configured malloc.
        unsafe { core_pkcs11_cfg_free(block.cast()) }
    }
}

// SAFETY: `alloc` returns NULL or a block of at least `layout.size()` bytes aligned to
// `layout.align()` that no other allocation overlaps (it lies inside a block of its own from
// the configured malloc); `dealloc` releases exactly that malloc block, found the same way
// `alloc` chose it (by `layout.align()`, which the caller passes unchanged).
unsafe impl GlobalAlloc for ConfigAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            let block = Self::malloc(layout.size());
            if block.is_null() || !(block as usize).is_multiple_of(layout.align()) {
                if !block.is_null() {
                    // SAFETY: `block` was just returned by the configured malloc.
                    unsafe { Self::free(block) };
                }
                return null_mut();
            }
            return block;
        }
        // Over-aligned: room for the header and for moving up to `align - 1` bytes.
        let Some(total) = layout
            .size()
            .checked_add(layout.align())
            .and_then(|n| n.checked_add(HEADER))
        else {
            return null_mut();
        };
        let block = Self::malloc(total);
        if block.is_null() {
            return null_mut();
        }
        let start = block as usize;
        // `start + HEADER + align - 1` cannot overflow: the block of `total` bytes lies in the
        // address space. The offset is at most HEADER + align - 1 < total - size.
        let aligned = (start + HEADER + layout.align() - 1) & !(layout.align() - 1);
        let offset = aligned - start;
        // SAFETY: `HEADER <= offset <= HEADER + align - 1`, so `block + offset` and the
        // `size` bytes after it stay inside the `total`-byte block.
        let user = unsafe { block.add(offset) };
        // SAFETY: the header slot `user - HEADER .. user` is inside the block (offset >= HEADER)
        // and, `user` being aligned to `align > 8 >= HEADER`, is aligned for a pointer.
        unsafe { user.sub(HEADER).cast::<*mut u8>().write(block) };
        user
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: the caller passes a pointer `alloc` returned for this layout, which for
            // this alignment is the configured malloc's block itself.
            unsafe { Self::free(ptr) };
        } else {
            // SAFETY: for this alignment `alloc` stored the block's start in the aligned,
            // in-block slot just before `ptr`.
            let block = unsafe { ptr.sub(HEADER).cast::<*mut u8>().read() };
            // SAFETY: `block` is the configured malloc's block that `ptr` lies in.
            unsafe { Self::free(block) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alignment_is_honoured() {
        let a = ConfigAllocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 128, 4096] {
            for size in [1usize, 3, 8, 17, 100, 5000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: the layout has a nonzero size.
                let p = unsafe { a.alloc(layout) };
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "align {align} size {size}");
                // SAFETY: `p` is valid for `size` bytes.
                unsafe { core::ptr::write_bytes(p, 0xa5, size) };
                // SAFETY: `p` came from `alloc` with this layout.
                unsafe { a.dealloc(p, layout) };
            }
        }
    }

    #[test]
    fn huge_requests_fail_cleanly() {
        let a = ConfigAllocator;
        let layout = Layout::from_size_align(isize::MAX as usize - 4095, 4096).unwrap();
        // SAFETY: the layout has a nonzero size.
        let p = unsafe { a.alloc(layout) };
        assert!(p.is_null());
    }
}
