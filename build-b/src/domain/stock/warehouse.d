build-b/src/domain/stock/warehouse.o: src/domain/stock/warehouse.c \
 src/domain/stock/stock.h src/domain/record/record.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h
src/domain/stock/stock.h:
src/domain/record/record.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
