build/arm64/user/obj/tool/complete.o: tool/complete.c tool/cli.h \
 tool/json.h lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h \
 tool/parse.h
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
