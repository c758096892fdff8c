build/arm64/user/pic/lib/dev.o: lib/dev.c lib/include/libmmdemo.h \
 ../include/uapi/linux/mmdemo.h
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
