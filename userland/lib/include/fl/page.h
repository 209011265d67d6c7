/* Page-sized copy and zero for EL0 programs (userland/lib/string.S). */
#ifndef FL_PAGE_H
#define FL_PAGE_H

/* Zeroes one 4 KiB-aligned page (DC ZVA where EL0 may use it). */
void fl_page_zero(void *page);

/* Copies one 4 KiB-aligned page to another; the two must not overlap. */
void fl_page_copy(void *dst, const void *src);

#endif
