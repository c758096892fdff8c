build/arm64/user/obj/tool/mmdemo.o: tool/mmdemo.c tool/cli.h tool/json.h \
 lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h tool/parse.h \
 tool/share.h tool/version.h
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
tool/share.h:
tool/version.h:
