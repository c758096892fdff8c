build/arm64/user/obj/tool/faults.o: tool/faults.c tool/faults.h \
 tool/cli.h tool/json.h lib/include/libmmdemo.h \
 ../include/uapi/linux/mmdemo.h tool/parse.h
tool/faults.h:
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
