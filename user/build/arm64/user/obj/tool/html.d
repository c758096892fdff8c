build/arm64/user/obj/tool/html.o: tool/html.c tool/draw.h tool/html.h \
 tool/cli.h tool/json.h lib/include/libmmdemo.h \
 ../include/uapi/linux/mmdemo.h tool/parse.h
tool/draw.h:
tool/html.h:
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
