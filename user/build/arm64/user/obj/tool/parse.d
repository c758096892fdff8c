build/arm64/user/obj/tool/parse.o: tool/parse.c \
 ../include/uapi/linux/mmdemo.h tool/parse.h
../include/uapi/linux/mmdemo.h:
tool/parse.h:
