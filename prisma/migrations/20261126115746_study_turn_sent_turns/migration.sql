-- AlterTable
ALTER TABLE "StudyTurn" ADD COLUMN     "sentTurnIds" UUID[] DEFAULT ARRAY[]::UUID[];
