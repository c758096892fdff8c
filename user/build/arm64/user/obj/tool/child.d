build/arm64/user/obj/tool/child.o: tool/child.c tool/child.h tool/parse.h
tool/child.h:
tool/parse.h:
