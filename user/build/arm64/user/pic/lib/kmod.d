build/arm64/user/pic/lib/kmod.o: lib/kmod.c \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/libkmod.h \
 lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h
/root/.cache/mmdemo/arm64/sysroot/usr/include/libkmod.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
