/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmdemo: /sys/kernel/tracing/events/mmdemo/ and
 * `perf list 'mmdemo:*'`.  They cost nothing while disabled, which is why
 * the fault path uses them instead of printk.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmdemo

#if !defined(_MMDEMO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMDEMO_TRACE_H

#include <linux/mm_types.h>
#include <linux/tracepoint.h>

TRACE_EVENT(mmdemo_fault,
	    TP_PROTO(unsigned long address, unsigned long pgoff,
		     unsigned int flags, unsigned int backing,
		     vm_fault_t result),
	    TP_ARGS(address, pgoff, flags, backing, result),
	    TP_STRUCT__entry(__field(unsigned long, address)
			     __field(unsigned long, pgoff)
			     __field(unsigned int, flags)
			     __field(unsigned int, backing)
			     __field(unsigned int, result)),
	    TP_fast_assign(__entry->address = address;
			   __entry->pgoff = pgoff;
			   __entry->flags = flags;
			   __entry->backing = backing;
			   __entry->result = (__force unsigned int)result;),
	    TP_printk("address=%#lx pgoff=%lu flags=%#x backing=%u result=%#x",
		      __entry->address, __entry->pgoff, __entry->flags,
		      __entry->backing, __entry->result)
);

TRACE_EVENT(mmdemo_page_alloc,
	    TP_PROTO(unsigned long pgoff, unsigned long pfn),
	    TP_ARGS(pgoff, pfn),
	    TP_STRUCT__entry(__field(unsigned long, pgoff)
			     __field(unsigned long, pfn)),
	    TP_fast_assign(__entry->pgoff = pgoff;
			   __entry->pfn = pfn;),
	    TP_printk("pgoff=%lu pfn=%#lx", __entry->pgoff, __entry->pfn)
);

TRACE_EVENT(mmdemo_mkwrite,
	    TP_PROTO(unsigned long pgoff),
	    TP_ARGS(pgoff),
	    TP_STRUCT__entry(__field(unsigned long, pgoff)),
	    TP_fast_assign(__entry->pgoff = pgoff;),
	    TP_printk("pgoff=%lu", __entry->pgoff)
);

TRACE_EVENT(mmdemo_zap,
	    TP_PROTO(unsigned long first, unsigned long nr),
	    TP_ARGS(first, nr),
	    TP_STRUCT__entry(__field(unsigned long, first)
			     __field(unsigned long, nr)),
	    TP_fast_assign(__entry->first = first;
			   __entry->nr = nr;),
	    TP_printk("first=%lu nr=%lu", __entry->first, __entry->nr)
);

TRACE_EVENT(mmdemo_map_pages,
	    TP_PROTO(unsigned long start, unsigned long end, unsigned long nr),
	    TP_ARGS(start, end, nr),
	    TP_STRUCT__entry(__field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(unsigned long, nr)),
	    TP_fast_assign(__entry->start = start;
			   __entry->end = end;
			   __entry->nr = nr;),
	    TP_printk("start=%lu end=%lu mapped=%lu",
		      __entry->start, __entry->end, __entry->nr)
);

DECLARE_EVENT_CLASS(mmdemo_vma,
		    TP_PROTO(struct vm_area_struct *vma),
		    TP_ARGS(vma),
		    TP_STRUCT__entry(__field(unsigned long, start)
				     __field(unsigned long, end)
				     __field(unsigned long, pgoff)),
		    TP_fast_assign(__entry->start = vma->vm_start;
				   __entry->end = vma->vm_end;
				   __entry->pgoff = vma->vm_pgoff;),
		    TP_printk("start=%#lx end=%#lx pgoff=%lu",
			      __entry->start, __entry->end, __entry->pgoff)
);

DEFINE_EVENT(mmdemo_vma, mmdemo_vma_open,
	     TP_PROTO(struct vm_area_struct *vma),
	     TP_ARGS(vma)
);

DEFINE_EVENT(mmdemo_vma, mmdemo_vma_close,
	     TP_PROTO(struct vm_area_struct *vma),
	     TP_ARGS(vma)
);

#endif /* _MMDEMO_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE mmdemo_trace
#include <trace/define_trace.h>
