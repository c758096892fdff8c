build/arm64/user/obj/tool/cmd_share.o: tool/cmd_share.c tool/cli.h \
 tool/json.h lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h \
 tool/parse.h tool/share.h
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
tool/share.h:
