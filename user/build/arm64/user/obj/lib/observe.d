build/arm64/user/obj/lib/observe.o: lib/observe.c lib/include/libmmdemo.h \
 ../include/uapi/linux/mmdemo.h
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
