build/arm64/user/obj/tool/cmd_report.o: tool/cmd_report.c tool/cli.h \
 tool/json.h lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h \
 tool/parse.h tool/html.h
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
tool/html.h:
