build-b/src/api/decode.o: src/api/decode.c src/api/api.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/core/settings.h src/domain/record/record.h \
 src/http/http.h src/app.h src/store/store.h src/domain/core/text.h \
 src/util/date.h src/util/text.h
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
src/domain/core/text.h:
src/util/date.h:
src/util/text.h:
