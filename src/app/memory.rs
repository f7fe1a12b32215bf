//! How soon freed memory goes back to the system: mimalloc, the process's allocator
//! (src/main.rs), holds it a while for reuse.

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (libmimalloc-sys names no constant).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Every command: freed memory goes back after 10 ms (mimalloc 2's default). Held a second
/// (mimalloc 3's), `list --json`, which reads on one thread and replays on another, kept a
/// third more than with glibc's allocator.
pub fn give_back_soon() {
    set_purge_delay(10);
}

/// A bulk run (demo, import) frees each batch while the next is made: the memory is kept a
/// second for reuse instead of given back and faulted in again (at a million tickets that
/// doubled the demo's system time).
pub fn keep_for_reuse() {
    set_purge_delay(1000);
}

fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: sets one option's value, which mimalloc reads atomically; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, ms) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index names the purge delay: mimalloc 3 starts it at a second (options.c), and
    /// setting it through the index reads back through the same index.
    #[test]
    fn the_option_index_is_the_purge_delay() {
        // SAFETY: reads and sets one option's value.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(default, 1000);
        }
        give_back_soon();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 10);
        keep_for_reuse();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
    }
}
