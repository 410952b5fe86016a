build-b/src/domain/sla/sla.o: src/domain/sla/sla.c src/domain/sla/sla.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/sla/sla_int.h src/util/clock.h
src/domain/sla/sla.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/sla/sla_int.h:
src/util/clock.h:
