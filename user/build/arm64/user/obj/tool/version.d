build/arm64/user/obj/tool/version.o: tool/version.c tool/version.h \
 lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h
tool/version.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
