"""Link preview cards: the first link of a post, fetched in a job through the guarded
outbound client, its OpenGraph / Twitter card / oEmbed metadata kept once per URL."""
