build-b/src/api/router.o: src/api/router.c src/api/api.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/core/settings.h src/domain/record/record.h \
 src/http/http.h src/app.h src/store/store.h src/domain/user/user.h \
 src/util/clock.h src/util/log.h src/util/text.h
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
src/domain/user/user.h:
src/util/clock.h:
src/util/log.h:
src/util/text.h:
