build-b/src/domain/sla/notify.o: src/domain/sla/notify.c \
 src/domain/sla/sla.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/util/clock.h
src/domain/sla/sla.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/util/clock.h:
