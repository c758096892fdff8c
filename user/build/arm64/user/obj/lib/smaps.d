build/arm64/user/obj/lib/smaps.o: lib/smaps.c lib/include/libmmdemo.h \
 ../include/uapi/linux/mmdemo.h
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
