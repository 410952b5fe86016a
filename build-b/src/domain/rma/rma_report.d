build-b/src/domain/rma/rma_report.o: src/domain/rma/rma_report.c \
 src/domain/rma/rma.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/domain/core/fsm.h \
 src/domain/core/settings.h src/domain/record/record.h \
 src/domain/rma/rma_int.h
src/domain/rma/rma.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
src/domain/record/record.h:
src/domain/rma/rma_int.h:
