/*
 * banned.h: functions that invite overflows or hidden state, turned into
 * compile errors (after git's banned.h).  Included last by every .c via the
 * build's -include flag.
 */
#ifndef FL_BANNED_H
#define FL_BANNED_H

#define FL_BANNED(func) sorry_##func##_is_banned_in_firstline

#undef strcpy
#define strcpy(x, y) FL_BANNED(strcpy)
#undef strcat
#define strcat(x, y) FL_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) FL_BANNED(strncpy)
#undef sprintf
#define sprintf(...) FL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) FL_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) FL_BANNED(strtok)
#undef atoi
#define atoi(x) FL_BANNED(atoi)
#undef atol
#define atol(x) FL_BANNED(atol)
#undef gets
#define gets(x) FL_BANNED(gets)

#endif
