/*
 * text — mandatory free text (explanations, reasons, resolutions, titles):
 * white space alone is not an explanation (SPEC §5.8).
 *
 * White space here is ASCII space and control white space (TAB, LF, VT, FF,
 * CR) and the Unicode spaces people type or paste: U+0085, U+00A0, U+1680,
 * U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and the ideographic space
 * U+3000 of Chinese input methods.
 */
#ifndef AS_CORE_TEXT_H
#define AS_CORE_TEXT_H

#include <stdbool.h>

#include "util/err.h"
#include "util/mem.h"

/*
 * s without white space at either end: s itself when nothing is trimmed,
 * else an arena-owned copy.  NULL stays NULL; NULL also when the arena is
 * exhausted (then the text counts as not given).
 */
const char *text_trim(struct arena *, const char *s);

/* Is s (trimmed or not) given: not NULL and not only white space? */
bool text_given(const char *s);

/*
 * A mandatory text: *io trimmed in place (see text_trim); NULL or nothing
 * left gives SVC_EINVAL naming field, reason "required", and says why
 * ("what" completes "... needs ...", e.g. "a written 'explanation'").
 */
enum svc_code text_required(struct arena *, struct svc_err *,
    const char *field, const char **io, const char *what) WARN_UNUSED_RESULT;

#endif
