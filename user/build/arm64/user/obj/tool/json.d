build/arm64/user/obj/tool/json.o: tool/json.c \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/arraylist.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/debug.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_c_version.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_object.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_inttypes.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_config.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_types.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/printbuf.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_object_iterator.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_pointer.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_tokener.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_util.h \
 /root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/linkhash.h \
 tool/json.h
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/arraylist.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/debug.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_c_version.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_object.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_inttypes.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_config.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_types.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/printbuf.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_object_iterator.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_pointer.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_tokener.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/json_util.h:
/root/.cache/mmdemo/arm64/sysroot/usr/include/json-c/linkhash.h:
tool/json.h:
