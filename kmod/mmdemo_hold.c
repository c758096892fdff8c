// SPDX-License-Identifier: GPL-2.0
/*
 * Hold points, compiled into test builds only (CONFIG_MMDEMO_TEST_HOLD):
 * a selftest stops one fault at a named place, does something else while
 * it waits there, and lets it go.  A race whose window is a few
 * instructions wide then happens every time, not once in a million runs.
 *
 * /sys/kernel/debug/mmdemo/hold, a one-shot switch:
 *   write "mkwrite PID"  arm: the next ->page_mkwrite or ->pfn_mkwrite of
 *                     process PID (of the initial PID namespace) waits
 *                     before it locks its page (after ->fault, or after
 *                     the lookup of the page behind a read-only PFN); no
 *                     other process's fault can take the hold
 *   read              "idle", "armed mkwrite PID" or "held mkwrite PID"
 *   write "release"   let the held fault go on, or disarm
 *
 * A held fault waits at most MMDEMO_HOLD_TIMEOUT, and a fatal signal ends
 * the wait too, so a test that dies cannot leave a fault stuck.  The
 * fault holds no lock of ours meanwhile, only what the core holds around
 * ->page_mkwrite (the VMA lock or mmap_lock, for reading) and a page
 * reference, which is what a concurrent shrink must cope with.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kstrtox.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "mmdemo.h"

#define MMDEMO_HOLD_TIMEOUT	(10 * HZ)

enum mmdemo_hold_state { MMDEMO_HOLD_IDLE, MMDEMO_HOLD_ARMED, MMDEMO_HOLD_HELD };

static const char * const mmdemo_hold_names[] = {
	[MMDEMO_HOLD_MKWRITE]	= "mkwrite",
};

/* One device, one switch: tests arm it for one fault at a time. */
static struct {
	spinlock_t lock;		/* state, point and tgid change together */
	enum mmdemo_hold_state state;
	enum mmdemo_hold_point point;
	pid_t tgid;			/* the process whose fault is held */
	wait_queue_head_t release;
} mmdemo_hold_switch = {
	.lock = __SPIN_LOCK_UNLOCKED(mmdemo_hold_switch.lock),
	.release = __WAIT_QUEUE_HEAD_INITIALIZER(mmdemo_hold_switch.release),
};

static bool mmdemo_hold_released(void)
{
	return READ_ONCE(mmdemo_hold_switch.state) != MMDEMO_HOLD_HELD;
}

void mmdemo_hold(enum mmdemo_hold_point point)
{
	bool hold;

	/* Unarmed, as always outside a test: one read, no lock. */
	if (likely(READ_ONCE(mmdemo_hold_switch.state) != MMDEMO_HOLD_ARMED))
		return;
	spin_lock(&mmdemo_hold_switch.lock);
	hold = mmdemo_hold_switch.state == MMDEMO_HOLD_ARMED &&
	       mmdemo_hold_switch.point == point &&
	       mmdemo_hold_switch.tgid == task_tgid_nr(current);
	if (hold)
		WRITE_ONCE(mmdemo_hold_switch.state, MMDEMO_HOLD_HELD);
	spin_unlock(&mmdemo_hold_switch.lock);
	if (!hold)
		return;

	wait_event_killable_timeout(mmdemo_hold_switch.release,
				    mmdemo_hold_released(), MMDEMO_HOLD_TIMEOUT);
	spin_lock(&mmdemo_hold_switch.lock);
	WRITE_ONCE(mmdemo_hold_switch.state, MMDEMO_HOLD_IDLE);
	spin_unlock(&mmdemo_hold_switch.lock);
}

static ssize_t mmdemo_hold_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	static const char * const states[] = {
		[MMDEMO_HOLD_IDLE]	= "idle",
		[MMDEMO_HOLD_ARMED]	= "armed",
		[MMDEMO_HOLD_HELD]	= "held",
	};
	char text[48];
	int len;

	spin_lock(&mmdemo_hold_switch.lock);
	if (mmdemo_hold_switch.state == MMDEMO_HOLD_IDLE)
		len = scnprintf(text, sizeof(text), "idle\n");
	else
		len = scnprintf(text, sizeof(text), "%s %s %d\n",
				states[mmdemo_hold_switch.state],
				mmdemo_hold_names[mmdemo_hold_switch.point],
				mmdemo_hold_switch.tgid);
	spin_unlock(&mmdemo_hold_switch.lock);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static ssize_t mmdemo_hold_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	char line[32], *word, *arg;
	int point, tgid;

	if (count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, buf, count))
		return -EFAULT;
	line[count] = '\0';
	arg = strim(line);
	word = strsep(&arg, " ");

	if (!strcmp(word, "release") && !arg) {
		spin_lock(&mmdemo_hold_switch.lock);
		WRITE_ONCE(mmdemo_hold_switch.state, MMDEMO_HOLD_IDLE);
		spin_unlock(&mmdemo_hold_switch.lock);
		wake_up_all(&mmdemo_hold_switch.release);
		return count;
	}
	point = match_string(mmdemo_hold_names, ARRAY_SIZE(mmdemo_hold_names), word);
	if (point < 0 || !arg || kstrtoint(arg, 10, &tgid) || tgid <= 0)
		return -EINVAL;
	spin_lock(&mmdemo_hold_switch.lock);
	if (mmdemo_hold_switch.state == MMDEMO_HOLD_HELD) {
		spin_unlock(&mmdemo_hold_switch.lock);
		return -EBUSY;
	}
	mmdemo_hold_switch.point = point;
	mmdemo_hold_switch.tgid = tgid;
	WRITE_ONCE(mmdemo_hold_switch.state, MMDEMO_HOLD_ARMED);
	spin_unlock(&mmdemo_hold_switch.lock);
	return count;
}

static const struct file_operations mmdemo_hold_fops = {
	.owner	= THIS_MODULE,
	.read	= mmdemo_hold_read,
	.write	= mmdemo_hold_write,
	.llseek	= default_llseek,
};

void mmdemo_hold_debugfs_init(struct mmdemo_dev *dev)
{
	debugfs_create_file("hold", 0600, dev->debugfs, NULL, &mmdemo_hold_fops);
}
