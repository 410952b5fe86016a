build-b/src/api/api_meta.o: src/api/api_meta.c src/api/api.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/core/settings.h src/domain/record/record.h \
 src/http/http.h src/app.h src/store/store.h
src/api/api.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/settings.h:
src/domain/record/record.h:
src/http/http.h:
src/app.h:
src/store/store.h:
