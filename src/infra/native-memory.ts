/**
 * Keeping native (C) memory in check on glibc Linux, where libvips, which sharp runs, allocates
 * with glibc's malloc. Image work allocates and frees tens of megabytes at a time from many threads;
 * glibc gives each thread its own arena (up to 8 per core) and keeps freed memory inside them, so a
 * server's RSS creeps upwards upload after upload, long after the memory is free (sharp's docs call
 * this out). Standard remedies, applied from inside the process so no operator has to remember an
 * environment variable:
 *
 * - `tuneMallocForImages()`: at most two malloc arenas, as `MALLOC_ARENA_MAX=2` would (the setting
 *   sharp's docs and most image servers recommend), and every allocation of 4 MB or more (pixel
 *   buffers) straight from the kernel and back to it on free, as `MALLOC_MMAP_THRESHOLD_=4194304`
 *   would: glibc otherwise raises that threshold as big blocks are freed and then carves image
 *   buffers out of its heaps, where they fragment;
 * - `releaseFreeMemory()`: `malloc_trim(0)`, handing the free pages inside every arena back to the
 *   kernel; called after each processed upload.
 *
 * On other platforms or C libraries (macOS, musl) both do nothing.
 */
import { dlopen, FFIType } from 'bun:ffi'

// mallopt parameter numbers, from glibc's <malloc.h>.
const M_MMAP_THRESHOLD = -3
const M_ARENA_MAX = -8
// Two arenas: enough that libvips threads rarely wait on each other's allocations, few enough that
// freed memory is reused rather than parked in a per-thread arena.
const ARENAS = 2
// A 320 px variant's pixels are ~0.4 MB, a 2048 px one's ~9 MB: the big ones go to mmap, the many
// small allocations stay in the arenas, where they are cheap.
const MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024

type Glibc = { mallopt(parameter: number, value: number): number; malloc_trim(pad: number): number }

const glibc: Glibc | null = openGlibc()

function openGlibc(): Glibc | null {
  if (process.platform !== 'linux') return null
  try {
    const { symbols } = dlopen('libc.so.6', {
      mallopt: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      malloc_trim: { args: [FFIType.u64], returns: FFIType.i32 },
    })
    // Cast: dlopen's symbols are typed by the FFI description, not as these functions; Glibc names them.
    return symbols as unknown as Glibc
  } catch {
    return null // not glibc (musl has no libc.so.6 and no arenas to tune)
  }
}

/** Caps glibc's malloc arenas and fixes its mmap threshold (see the module comment). Call once, at start. */
export function tuneMallocForImages(): void {
  glibc?.mallopt(M_ARENA_MAX, ARENAS)
  glibc?.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
}

/** Gives free memory inside malloc's arenas back to the kernel (a few milliseconds at most). */
export function releaseFreeMemory(): void {
  glibc?.malloc_trim(0)
}
