build-b/src/domain/sla/calendar.o: src/domain/sla/calendar.c \
 src/domain/sla/sla.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h
src/domain/sla/sla.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
