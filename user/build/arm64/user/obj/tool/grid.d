build/arm64/user/obj/tool/grid.o: tool/grid.c tool/grid.h tool/cli.h \
 tool/json.h lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h \
 tool/parse.h
tool/grid.h:
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
