/* profile_svg.h — folded stacks (Brendan Gregg's "frame;frame;frame count" lines) merged and
 * drawn as a self-contained SVG flame graph. Pure: no I/O, no globals; profile.c writes the
 * files, tests/unit/test_profile_svg.c checks the layout. */
#ifndef QR_PROFILE_SVG_H
#define QR_PROFILE_SVG_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* Appends to out the folded stacks of text[0..len) with identical stacks summed into one line,
 * lines sorted by stack; malformed lines (no count after the last space) are skipped. Returns
 * the total sample count. */
uint64_t qr_profile_fold_merge(const char *text, size_t len, qr_buf_t *out);

/* Appends to out an SVG flame graph of the folded stacks in text[0..len): the root ("all") at
 * the bottom, one 16 px row per stack depth, each frame as wide as its samples, children
 * sorted by name, a <title> tooltip per frame ("name (N samples, P%)"); title (borrowed) heads
 * the picture. Returns the total sample count (0: the SVG says there were no samples). */
uint64_t qr_profile_svg(const char *title, const char *text, size_t len, qr_buf_t *out);

#endif
