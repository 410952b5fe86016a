build-b/src/domain/sla/policy.o: src/domain/sla/policy.c \
 src/domain/sla/sla.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/domain/sla/sla_int.h \
 src/util/clock.h
src/domain/sla/sla.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/sla/sla_int.h:
src/util/clock.h:
