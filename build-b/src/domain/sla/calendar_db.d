build-b/src/domain/sla/calendar_db.o: src/domain/sla/calendar_db.c \
 src/domain/sla/sla.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/util/clock.h
src/domain/sla/sla.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/util/clock.h:
