//! The process's allocator, chosen by role: mimalloc for the control plane, glibc's malloc for
//! a node agent on its own.
//!
//! The API server builds and drops many short-lived JSON trees per request: under load glibc's
//! allocator took about a third of its CPU, and mimalloc more than doubles the scheduler's and
//! the API's throughput (`bench/README.md`). A lone agent allocates little, and there
//! mimalloc's per-thread pages would cost a few MB of heap against the agent's memory budget.
//!
//! Memory is freed by the allocator that handed it out, whichever role is active: anything
//! allocated before the switch (argument parsing, logging set-up) stays with glibc. mimalloc
//! is built without transparent huge pages, which cost 13 MB of idle RSS.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// Set once, before any thread is started, and never cleared; thread start-up orders it
/// before every other thread's allocations, so relaxed loads see it.
static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// Sends new allocations to mimalloc from now on. Call before starting threads.
pub fn use_mimalloc() {
    // One allocation first, so that mimalloc's page map exists before any ownership query.
    // SAFETY: a non-zero size, and the block is freed by the allocator it came from.
    unsafe {
        let layout = Layout::from_size_align_unchecked(16, 8);
        let p = MiMalloc.alloc(layout);
        if !p.is_null() {
            MiMalloc.dealloc(p, layout);
        }
    }
    MIMALLOC.store(true, Ordering::Release);
}

/// Routes each call to mimalloc or glibc's malloc.
pub struct RoleAllocator;

fn from_mimalloc(p: *mut u8) -> bool {
    // SAFETY: asked only once mimalloc is initialised; the query reads its page map.
    MIMALLOC.load(Ordering::Relaxed)
        && unsafe { libmimalloc_sys::mi_is_in_heap_region(p.cast_const().cast()) }
}

// SAFETY: every block is returned to the allocator that produced it (`from_mimalloc`), and
// both allocators uphold `GlobalAlloc`'s contract themselves.
unsafe impl GlobalAlloc for RoleAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MIMALLOC.load(Ordering::Relaxed) {
            MiMalloc.alloc(layout)
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if MIMALLOC.load(Ordering::Relaxed) {
            MiMalloc.alloc_zeroed(layout)
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if from_mimalloc(p) {
            MiMalloc.dealloc(p, layout)
        } else {
            System.dealloc(p, layout)
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if from_mimalloc(p) {
            MiMalloc.realloc(p, layout, new_size)
        } else {
            System.realloc(p, layout, new_size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_go_back_to_the_allocator_they_came_from() {
        let layout = Layout::from_size_align(64, 8).unwrap();
        // SAFETY: blocks of `layout`, each freed once.
        unsafe {
            let before = System.alloc(layout);
            assert!(!from_mimalloc(before));
            use_mimalloc();
            let after = RoleAllocator.alloc(layout);
            assert!(from_mimalloc(after), "new blocks come from mimalloc");
            assert!(!from_mimalloc(before), "older blocks are still glibc's");
            let grown = RoleAllocator.realloc(before, layout, 4096);
            assert!(!from_mimalloc(grown), "a glibc block grows within glibc");
            RoleAllocator.dealloc(grown, Layout::from_size_align(4096, 8).unwrap());
            RoleAllocator.dealloc(after, layout);
        }
    }
}
