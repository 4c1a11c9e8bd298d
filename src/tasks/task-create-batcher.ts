interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for task creates: creates that arrive while a write is in flight share the next
 * transaction, so one commit (and one flush of NOTIFYs) serves many requests. Each caller still
 * hears back only after its task committed. A batch that fails is written again one create at a
 * time, so that one bad create cannot sink the others.
 */
export class CreateBatcher<In, Out> {
  private pending: Pending<In, Out>[] = [];
  private flushing = false;

  constructor(
    private readonly write: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch = 500,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const written = await this.write(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(written[i]));
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else await Promise.all(batch.map((p) => this.writeAlone(p)));
      }
    }
    this.flushing = false;
  }

  private async writeAlone(pending: Pending<In, Out>): Promise<void> {
    try {
      const [written] = await this.write([pending.item]);
      pending.resolve(written);
    } catch (error) {
      pending.reject(error);
    }
  }
}
