import { Prisma } from "@prisma/client";

/**
 * Runs `work` (a transaction that creates a row under a unique key) again once when it lost
 * a race on that key (P2002): the second run finds the winner's row and goes on from there.
 */
export async function retryOnUniqueRace<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return work();
    throw error;
  }
}
