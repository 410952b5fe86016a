build-b/src/domain/rma/rma.o: src/domain/rma/rma.c src/domain/rma/rma.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/core/fsm.h src/domain/core/settings.h \
 src/domain/record/record.h src/domain/core/text.h \
 src/domain/request/request.h src/domain/rma/rma_int.h \
 src/domain/sla/sla.h src/util/clock.h
src/domain/rma/rma.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
src/domain/record/record.h:
src/domain/core/text.h:
src/domain/request/request.h:
src/domain/rma/rma_int.h:
src/domain/sla/sla.h:
src/util/clock.h:
