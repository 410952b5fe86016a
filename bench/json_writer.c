/*
 * json_writer — what the JSON writer (util/json.h) costs per list item:
 * 20,000 pages of 25 request-like items (an id, texts, Chinese text, a
 * boolean, a null, a time), the best of 7 runs.  `make bench-json`.
 * Measures the writer alone, for changes to its hot path (the export tap,
 * bench/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "util/clock.h"
#include "util/json.h"

static int64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int
main(void)
{
	int64_t best = INT64_MAX;
	struct buf b;
	struct jw w;

	clock_set_zone("Asia/Shanghai");
	for (int rep = 0; rep < 7; rep++) {
		int64_t t0 = mono_ns(), d;

		for (int page = 0; page < 20000; page++) {
			buf_init(&b, 1 << 24);
			jw_init(&w, &b);
			jw_obj_open(&w);
			jw_key(&w, "items");
			jw_arr_open(&w);
			for (int i = 0; i < 25; i++) {
				jw_obj_open(&w);
				jw_ki64(&w, "id", i + page);
				jw_kstr(&w, "number", "SR-20261203-0003");
				jw_kstr(&w, "type", "repair");
				jw_kstr(&w, "state", "assigned");
				jw_kstr(&w, "customer_name", "上海永安五金商行");
				jw_kbool(&w, "due_breached", false);
				jw_knull(&w, "closed_at");
				jw_ki64(&w, "version", 1);
				jw_ktime(&w, "created_at", 1796277900);
				jw_obj_close(&w);
			}
			jw_arr_close(&w);
			jw_knull(&w, "next_cursor");
			jw_obj_close(&w);
			buf_release(&b);
		}
		d = mono_ns() - t0;
		if (d < best)
			best = d;
	}
	printf("%.1f ns per item (best of 7, 500,000 items each)\n",
	    (double)best / (20000 * 25));
	return 0;
}
