# This file should ensure the existence of records required to run the application in every
# environment. `quickrail db:seed` runs it (and `quickrail db:prepare` on a new database).
#
# Example:
#
#   ["Action", "Comedy", "Drama"].each do |genre_name|
#     MovieGenre.find_or_create_by!(name: genre_name)
#   end
